// A job for the host's process tests. The first argument picks the behaviour:
//   wait       logs "ready" and waits until cancelled (SIGTERM, Ctrl+C)
//   require    requires TEST_JOB_USERNAME and TEST_JOB_PASSWORD
//   fail       throws an exception whose message holds TEST_JOB_PASSWORD
//   warehouse  runs on the local warehouse and queries both mock warehouses
using Aqueduct.Civis;
using Microsoft.Extensions.Logging;
using Npgsql;

var mode = args.FirstOrDefault() ?? "wait";
return await CivisJob.RunAsync(args, async (job, cancellationToken) =>
{
    switch (mode)
    {
        case "wait":
            job.Logger.LogInformation("ready");
            await Task.Delay(Timeout.Infinite, cancellationToken);
            break;
        case "fail":
            throw new InvalidOperationException($"Sign-in refused for password {job.Environment.GetString("TEST_JOB_PASSWORD")}");
        case "warehouse":
            foreach (var warehouse in new[] { Warehouse.Postgres, Warehouse.Redshift })
            {
                await using var connection = await job.Warehouses.OpenConnectionAsync(warehouse, cancellationToken);
                await using var command = new NpgsqlCommand("select current_database()", connection);
                job.Logger.LogInformation("{Warehouse} answered from database {Database}", warehouse, await command.ExecuteScalarAsync(cancellationToken));
            }

            break;
    }
}, options =>
{
    options.Name = "test-job";
    if (mode == "require")
    {
        options.Require("TEST_JOB_USERNAME", "Missing test username").Require("TEST_JOB_PASSWORD", "Missing test password");
    }

    if (mode == "warehouse")
    {
        options.UseLocalWarehouse();
    }
});
