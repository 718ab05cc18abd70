namespace Aqueduct.Civis;

/// <summary>
/// What a load does with the rows already in the table, named as on the Civis Platform
/// (<c>existingTableRows</c>). Every mode is all-or-nothing: a failed load leaves the table as it was.
/// </summary>
public enum WriteMode
{
    /// <summary>The table must be absent or empty; otherwise the load fails before reading the source.</summary>
    Fail,

    /// <summary>Adds the rows to those already in the table; a duplicate key fails the whole load.</summary>
    Append,

    /// <summary>Replaces the table's rows with the source's (the table itself, its grants and indexes stay).</summary>
    Truncate,

    /// <summary>Drops the table and creates it again from the <see cref="TableDefinition"/>, then loads it.</summary>
    Drop,

    /// <summary>Updates the rows whose primary key exists and inserts the rest. The source must not repeat a key.</summary>
    Upsert,

    /// <summary>Keeps the rows whose primary key exists and inserts the rest (<c>INSERT … ON CONFLICT DO NOTHING</c>).</summary>
    InsertIgnore,
}
