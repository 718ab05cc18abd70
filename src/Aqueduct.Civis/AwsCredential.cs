namespace Aqueduct.Civis;

/// <summary>An AWS credential parameter: <c>NAME_ACCESS_KEY_ID</c> and <c>NAME_SECRET_ACCESS_KEY</c>.</summary>
/// <param name="AccessKeyId">The access key id.</param>
/// <param name="SecretAccessKey">The secret access key; never shown by <see cref="ToString"/>.</param>
public sealed record AwsCredential(string AccessKeyId, string SecretAccessKey)
{
    /// <summary>Describes the credential without its secret.</summary>
    /// <returns>For example <c>AwsCredential { AccessKeyId = AKIA..., SecretAccessKey = *** }</c>.</returns>
    public override string ToString() => $"AwsCredential {{ AccessKeyId = {AccessKeyId}, SecretAccessKey = *** }}";
}
