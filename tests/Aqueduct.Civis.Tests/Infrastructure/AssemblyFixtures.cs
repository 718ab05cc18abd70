using Aqueduct.Civis.Tests.Infrastructure;

// One PostgreSQL server for the whole test run, disposed after the last test (also when tests fail).
[assembly: AssemblyFixture(typeof(PostgresServerFixture))]
