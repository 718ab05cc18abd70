using Aqueduct.Civis.Testing;

namespace Aqueduct.Civis.Tests.Infrastructure;

/// <summary>
/// The test run's one PostgreSQL server (an assembly fixture): the Testing package's <see cref="PostgresTestServerFixture"/>,
/// the same one job authors use. It starts when the first database test class asks for it, so tests that need no
/// database neither wait for it nor fail without it, and it is disposed after the last test.
/// </summary>
/// <remarks>
/// A failed start is remembered and reported to every database test class: those tests fail with the message that
/// says how to provide a server; they are never skipped.
/// </remarks>
public sealed class PostgresServerFixture : PostgresTestServerFixture;
