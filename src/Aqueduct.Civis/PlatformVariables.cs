namespace Aqueduct.Civis;

/// <summary>The names of the environment variables the Civis Platform and the local set-up use.</summary>
public static class PlatformVariables
{
    /// <summary><c>DEV</c>: set to a true value on a developer's machine.</summary>
    public const string Dev = "DEV";

    /// <summary><c>CIVIS_API_KEY</c>: the API key of the user the run acts for.</summary>
    public const string ApiKey = "CIVIS_API_KEY";

    /// <summary><c>CIVIS_API_ENDPOINT</c>: an override of the API base address.</summary>
    public const string ApiEndpoint = "CIVIS_API_ENDPOINT";

    /// <summary><c>CIVIS_JOB_ID</c>: the id of the running job.</summary>
    public const string JobId = "CIVIS_JOB_ID";

    /// <summary><c>CIVIS_RUN_ID</c>: the id of the current run.</summary>
    public const string RunId = "CIVIS_RUN_ID";

    /// <summary><c>CIVIS_LOG_LEVEL</c>: the log level a user set on the script.</summary>
    public const string LogLevel = "CIVIS_LOG_LEVEL";

    /// <summary><c>CIVIS_SERVICE_ID</c>: the id of a running service.</summary>
    public const string ServiceId = "CIVIS_SERVICE_ID";

    /// <summary><c>CIVIS_SERVICE_VERSION</c>: the version of a running service.</summary>
    public const string ServiceVersion = "CIVIS_SERVICE_VERSION";

    /// <summary><c>CIVIS_SERVICE_PORT</c>: the port a service listens on (default 3838).</summary>
    public const string ServicePort = "CIVIS_SERVICE_PORT";

    /// <summary><c>APP_DIR</c>: a service's application directory.</summary>
    public const string AppDir = "APP_DIR";

    /// <summary><c>REPO_PATH_DIR</c>: the directory of a service's repository.</summary>
    public const string RepoPathDir = "REPO_PATH_DIR";

    /// <summary><c>POSTGRES_URI</c>: the mock Postgres warehouse in DEV.</summary>
    public const string PostgresUri = "POSTGRES_URI";

    /// <summary><c>REDSHIFT_URI</c>: the mock Redshift warehouse in DEV.</summary>
    public const string RedshiftUri = "REDSHIFT_URI";

    /// <summary><c>_ID</c>: the suffix of the variable holding a credential or database parameter's platform id (<c>NAME_ID</c>).</summary>
    public const string IdSuffix = "_ID";

    /// <summary><c>_SHELL_ESCAPED</c>: the suffix of the variable holding a string parameter quoted for <c>sh</c> (<c>NAME_SHELL_ESCAPED</c>).</summary>
    public const string ShellEscapedSuffix = "_SHELL_ESCAPED";
}
