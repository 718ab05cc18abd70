using Aqueduct.Civis;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MyJob;

/// <summary>The job itself: Program.cs runs it on the job host, the tests run it against a throwaway server.</summary>
public static class Job
{
    /// <summary>Declares what the job cannot run without; every missing variable is reported at once.</summary>
    public static void Configure(CivisJobOptions options) => options
        .Require("SOURCE_USERNAME", "Missing source username (locally: copy .env.example to .env)")
        .Require("SOURCE_PASSWORD", "Missing source password (locally: copy .env.example to .env)");

    /// <summary>Records the run in the Postgres warehouse and reports how many runs there were.</summary>
    public static async Task RunAsync(CivisJobContext job, CancellationToken cancellationToken)
    {
        var username = job.Environment.GetRequiredString("SOURCE_USERNAME");

        await using var connection = await job.Warehouses.OpenConnectionAsync(Warehouse.Postgres, cancellationToken);
        await using (var create = new NpgsqlCommand(
            """
            create schema if not exists staging;
            create table if not exists staging.job_runs (
                id bigint generated always as identity primary key,
                ran_at timestamptz not null default now(),
                source_user text not null)
            """, connection))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var insert = new NpgsqlCommand(
            "insert into staging.job_runs (source_user) values (@user); select count(*) from staging.job_runs", connection)
        {
            Parameters = { new("user", username) },
        };
        var runs = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;

        job.Logger.LogInformation("Recorded this run for {User}; the warehouse has seen {Runs} runs.", username, runs);
    }
}
