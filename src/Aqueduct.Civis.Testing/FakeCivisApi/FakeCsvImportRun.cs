using System.Text.Json.Nodes;

namespace Aqueduct.Civis.Testing;

/// <summary>A run of a CSV import the fake was asked to start: the import as posted and the content of its source files.</summary>
/// <param name="ImportId">The import's id.</param>
/// <param name="RunId">The run's id.</param>
/// <param name="Import">The import as the fake keeps it (camelCase, the posted body merged into the spec's example).</param>
/// <param name="Files">The content of each file of <c>source.fileIds</c>, in order; <see langword="null"/> for a file never completed.</param>
public sealed record FakeCsvImportRun(int ImportId, int RunId, JsonObject Import, IReadOnlyList<byte[]?> Files);
