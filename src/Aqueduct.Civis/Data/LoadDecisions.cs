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

    /// <summary>
    /// Whether a load must (re)create the table from its definition: it does not exist, or the mode is Drop. Both need
    /// the definition.
    /// </summary>
    /// <param name="table">The table, for the message.</param>
    /// <param name="catalog">The existing table's shape, or <see langword="null"/> when it does not exist.</param>
    /// <param name="mode">The write mode.</param>
    /// <param name="definition">The declared shape, if any.</param>
    /// <exception cref="InvalidOperationException">The table does not exist and there is no definition.</exception>
    public static bool MustCreate(
        TableName table, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] TableShape? catalog, WriteMode mode,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] TableDefinition? definition)
    {
        if (catalog is not null && mode != WriteMode.Drop)
        {
            return false;
        }

        return definition is not null ? true : throw new InvalidOperationException($"Table {table} does not exist; pass a TableDefinition to create it.");
    }

    /// <summary>
    /// The source's columns in file order: the header's, or for a CSV without one the definition's, else the table's.
    /// </summary>
    public static IReadOnlyList<SourceColumn> SourceColumns(IReadOnlyList<string>? header, TableShape table, TableDefinition? definition) =>
        header is not null ? [.. header.Select(name => new SourceColumn(name, null))]
        : definition is not null ? [.. definition.Columns.Select(c => new SourceColumn(c.Name, null))]
        : [.. table.Columns.Select(c => new SourceColumn(c.Name, null))];

    /// <summary>
    /// The columns a load writes, in the source's order, and the key it merges on (empty unless the mode merges): the
    /// contract check and the key decision of every route.
    /// </summary>
    /// <exception cref="TableContractException">The source does not fit the table, or the keys differ.</exception>
    public static (List<CatalogColumn> Columns, IReadOnlyList<string> Key) Settle(
        TableName table, TableShape shape, TableDefinition? definition, IReadOnlyList<SourceColumn> source, WriteMode mode)
    {
        var key = Merges(mode) ? PrimaryKey(table, shape.PrimaryKey, definition) : [];
        return (TableLoader.CheckContract(table, shape, source, mode, key), key);
    }

    /// <summary>The words for a key the source repeats, on every route: <c>key (id) = (9) appears more than once in the source; …</c>.</summary>
    /// <param name="key">The key's columns.</param>
    /// <param name="values">The repeated values, or <see langword="null"/> when unknown.</param>
    /// <param name="mode">Upsert or InsertIgnore.</param>
    public static string RepeatedKey(IReadOnlyList<string> key, IReadOnlyList<string>? values, WriteMode mode) =>
        $"key ({string.Join(", ", key)}){(values is null ? string.Empty : $" = ({string.Join(", ", values)})")} appears more than once in the source; " +
        $"WriteMode.{mode} takes {(mode == WriteMode.InsertIgnore ? "a new key" : "each key")} once.";
}
