using Aqueduct.Civis.Testing;

// One throwaway PostgreSQL server for the whole test run (an existing server from AQUEDUCT_TEST_POSTGRES_URI, Docker, or
// the machine's PostgreSQL binaries), stopped after the last test; each test class gets databases of its own on it
// from LocalWarehouseFixture.
[assembly: AssemblyFixture(typeof(PostgresTestServerFixture))]
