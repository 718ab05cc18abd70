namespace Aqueduct.Civis.Data;

/// <summary>The decisions every route of a load takes the same way, in one place.</summary>
internal static class LoadDecisions
{
    /// <summary>Whether a mode matches rows on a key.</summary>
    public static bool Merges(WriteMode mode) => mode is WriteMode.Upsert or WriteMode.InsertIgnore;

    /// <summary>
    /// The key a merge matches rows on: the table's primary key when the table has one (the catalog, on a route that can read
    /// it), else the definition's. A definition that declares another key than the table has is a contract error, not a
    /// silent choice of one of them.
    /// </summary>
    /// <param name="table">The table, for the message.</param>
    /// <param name="catalogKey">The existing table's primary key, or <see langword="null"/> when the route cannot read it (or there is no table).</param>
    /// <param name="definition">The declared shape, if any.</param>
    /// <exception cref="TableContractException">The two keys differ.</exception>
    public static IReadOnlyList<string> PrimaryKey(TableName table, IReadOnlyList<string>? catalogKey, TableDefinition? definition)
    {
        var declared = definition?.PrimaryKey ?? [];
        if (catalogKey is not { Count: > 0 })
        {
            return declared;
        }

        if (declared.Count > 0 && !declared.SequenceEqual(catalogKey, StringComparer.Ordinal))
        {
            throw new TableContractException(table, [
                $"the table's primary key ({string.Join(", ", catalogKey)}) is not the definition's ({string.Join(", ", declared)})",
            ]);
        }

        return catalogKey;
    }

    /// <summary>Drop recreates the table, so it needs the definition.</summary>
    /// <exception cref="ArgumentException">Drop without a definition.</exception>
    public static void RequireDefinitionForDrop(TableName table, WriteMode mode, TableDefinition? definition)
    {
        if (mode == WriteMode.Drop && definition is null)
        {
            throw new ArgumentException($"WriteMode.Drop recreates table {table} from a TableDefinition; pass one.", nameof(definition));
        }
    }
}
