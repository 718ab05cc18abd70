namespace Aqueduct.Civis.Testing;

/// <summary>How <see cref="FakeCivisApi.StartAsync(FakeCivisApiOptions, CancellationToken)"/> starts the fake.</summary>
public sealed class FakeCivisApiOptions
{
    private int _port;

    /// <summary>The API key the fake accepts.</summary>
    /// <value>The default value is <see langword="null"/>: a random key.</value>
    public string? ApiKey { get; set; }

    /// <summary>
    /// The port on 127.0.0.1 to listen on, so that another process or tool can be pointed at a known address;
    /// 0 for a free one the system picks.
    /// </summary>
    /// <value>The default value is 0.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 0 or above 65535.</exception>
    public int Port
    {
        get => _port;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(Port));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 65_535, nameof(Port));
            _port = value;
        }
    }
}
