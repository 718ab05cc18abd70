// A job for the host's process tests. The first argument is the command that picks the behaviour (`--help` lists them):
//   wait       logs "ready" and waits until cancelled (SIGTERM, Ctrl+C)
//   require    requires TEST_JOB_USERNAME and TEST_JOB_PASSWORD
//   fail       throws an exception whose message holds TEST_JOB_PASSWORD
//   warehouse  runs on the local warehouse and queries both mock warehouses
//   load       loads an endless CSV into POSTGRES_URI; logs "ready" once rows are flowing
//   export     exports an endless query from POSTGRES_URI; logs "ready" once rows are flowing
//   env        logs TEST_JOB_USERNAME as the job sees it (from the environment or a .env file)
//   greet      logs "Hello, <--name>"; with no command the job itself logs "the job itself ran"
using System.CommandLine;
using Aqueduct.Civis;
using Microsoft.Extensions.Logging;
using Npgsql;

var mode = args.FirstOrDefault() ?? "wait";
return await CivisJob.RunAsync(args, (job, _) =>
{
    job.Logger.LogInformation("the job itself ran");
    return Task.CompletedTask;
}, options =>
{
    options.Name = "test-job";
    options.Command.Description = "The job host's test job: each command is one behaviour.";
    options.AddCommand("wait", "Logs ready and waits until cancelled", async (job, cancellationToken) =>
    {
        job.Logger.LogInformation("ready");
        await Task.Delay(Timeout.Infinite, cancellationToken);
    });
    options.AddCommand("require", "Requires TEST_JOB_USERNAME and TEST_JOB_PASSWORD", (_, _) => Task.CompletedTask);
    options.AddCommand("fail", "Throws an exception whose message holds TEST_JOB_PASSWORD", (job, _) =>
        throw new InvalidOperationException($"Sign-in refused for password {job.Environment.GetString("TEST_JOB_PASSWORD")}"));
    options.AddCommand("env", "Logs TEST_JOB_USERNAME as the job sees it", (job, _) =>
    {
        job.Logger.LogInformation("TEST_JOB_USERNAME={Username}", job.Environment.GetString("TEST_JOB_USERNAME") ?? "(not set)");
        return Task.CompletedTask;
    });
    var name = new Option<string>("--name") { Description = "Who to greet", DefaultValueFactory = _ => "world" };
    var greet = options.AddCommand("greet", "Logs a greeting", (job, _) =>
    {
        job.Logger.LogInformation("Hello, {Name} (command {Command})", job.GetValue(name), job.CommandName);
        return Task.CompletedTask;
    });
    greet.Options.Add(name);
    options.AddCommand("warehouse", "Runs on the local warehouse and queries both mock warehouses", async (job, cancellationToken) =>
    {
        foreach (var warehouse in new[] { Warehouse.Postgres, Warehouse.Redshift })
        {
            await using var connection = await job.Warehouses.OpenConnectionAsync(warehouse, cancellationToken);
            await using var command = new NpgsqlCommand("select current_database()", connection);
            job.Logger.LogInformation("{Warehouse} answered from database {Database}", warehouse, await command.ExecuteScalarAsync(cancellationToken));
        }
    });
    options.AddCommand("load", "Loads an endless CSV into POSTGRES_URI", async (job, cancellationToken) =>
    {
        var dataSource = job.Warehouses.GetDataSource(Warehouse.Postgres);
        await using (var create = dataSource.CreateCommand("create table if not exists endless_load (id bigint)"))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var csv = new EndlessCsvStream(() => job.Logger.LogInformation("ready"));
        await dataSource.LoadCsvAsync(TableName.Parse("endless_load"), new CsvSource(csv), WriteMode.Append, cancellationToken: cancellationToken);
    });
    options.AddCommand("export", "Exports an endless query from POSTGRES_URI", async (job, cancellationToken) =>
    {
        var dataSource = job.Warehouses.GetDataSource(Warehouse.Postgres);
        var sink = new ReadySink(() => job.Logger.LogInformation("ready"));
        await dataSource.ExportCsvAsync("select generate_series(1, 1000000000000)", sink, cancellationToken: cancellationToken);
    });

    if (mode == "require" || System.Environment.GetEnvironmentVariable("TEST_JOB_REQUIRE") == "1")
    {
        options.Require("TEST_JOB_USERNAME", "Missing test username").Require("TEST_JOB_PASSWORD", "Missing test password");
    }

    if (mode == "warehouse")
    {
        options.UseLocalWarehouse();
    }
});

/// <summary>"id" and then 1, 2, 3, ... for ever; calls <c>ready</c> once a few megabytes have been read.</summary>
internal sealed class EndlessCsvStream(Action ready) : Stream
{
    private long next;
    private long served;
    private bool announced;
    private byte[] pending = "id\n"u8.ToArray();
    private int offset;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var written = 0;
        while (written < buffer.Length)
        {
            if (offset == pending.Length)
            {
                pending = System.Text.Encoding.ASCII.GetBytes($"{++next}\n");
                offset = 0;
            }

            var n = Math.Min(buffer.Length - written, pending.Length - offset);
            pending.AsSpan(offset, n).CopyTo(buffer[written..]);
            offset += n;
            written += n;
        }

        served += written;
        if (!announced && served > 4 * 1024 * 1024)
        {
            announced = true;
            ready();
        }

        return written;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>Discards what is written; calls <c>ready</c> once a few megabytes have arrived.</summary>
internal sealed class ReadySink(Action ready) : Stream
{
    private long received;
    private bool announced;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        received += buffer.Length;
        if (!announced && received > 4 * 1024 * 1024)
        {
            announced = true;
            ready();
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer, offset, count);
        return Task.CompletedTask;
    }
}
