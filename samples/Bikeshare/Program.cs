// The bikeshare job. On the platform: `dotnet /app/Bikeshare.dll` (add `migrate` to replace the table's contents;
// `--help` lists the commands and the variables the job needs).
// Locally: `dotnet run --project samples/Bikeshare` (DEV=1 from launchSettings.json, the bundled export, and a
// throwaway local warehouse unless POSTGRES_URI and REDSHIFT_URI are set).
// `dotnet run --project samples/Bikeshare -- generate --trips 1000000 --out trips.csv.gz [--seed 2016]` writes a
// made-up export for load tests.
using Aqueduct.Civis;
using Bikeshare;

if (args is ["generate", ..])
{
    return await GenerateCommand.RunAsync(args[1..]);
}

return await CivisJob.RunAsync(args, BikeshareJob.RunAsync, options =>
{
    BikeshareJob.Configure(options);
#if DEBUG
    options.UseLocalWarehouse();
#endif
});
