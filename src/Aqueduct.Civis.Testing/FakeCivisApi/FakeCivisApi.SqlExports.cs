using System.Text.Json.Nodes;

namespace Aqueduct.Civis.Testing;

public sealed partial class FakeCivisApi
{
    /// <summary>
    /// Answers a succeeded SQL script run's export, for tests that want the query really run (against a PostgreSQL
    /// database, say): called with the SQL script as posted (<c>sql</c>, <c>remoteHostId</c>, <c>csvSettings</c>), it returns
    /// the CSV text, which the fake then serves like <see cref="SqlExportCsv"/> (gzip when asked). <see langword="null"/> serves
    /// <see cref="SqlExportCsv"/>.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Func<JsonObject, string>? SqlExportHandler { get; set; }
}
