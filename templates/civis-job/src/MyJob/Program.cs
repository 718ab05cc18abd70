// The job's entry point. On the platform: `dotnet /app/MyJob.dll`. Locally: `dotnet run --project src/MyJob`
// (DEV=1 from launchSettings.json, credentials from .env, and a throwaway local warehouse unless
// POSTGRES_URI and REDSHIFT_URI are set).
using Aqueduct.Civis;
using MyJob;

return await CivisJob.RunAsync(args, Job.RunAsync, options =>
{
    Job.Configure(options);
//-:cnd:noEmit
#if DEBUG
    options.UseLocalWarehouse();
#endif
//+:cnd:noEmit
});
