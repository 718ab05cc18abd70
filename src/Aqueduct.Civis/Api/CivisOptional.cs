namespace Aqueduct.Civis.Api;

/// <summary>
/// A request property for which "not set" and "set to null" mean different things to the platform. Unset (the default),
/// it is left out of the JSON and the platform applies its default; set, even to <see langword="null"/>, it is sent:
/// <c>new FileCreateRequest { Name = "a.csv", ExpiresAt = null }</c> sends <c>"expiresAt": null</c>, a file that never expires.
/// </summary>
/// <typeparam name="T">The property's type.</typeparam>
public readonly struct CivisOptional<T> : IEquatable<CivisOptional<T>>
{
    private readonly T _value;

    /// <summary>Creates a set value.</summary>
    /// <param name="value">The value to send, <see langword="null"/> included.</param>
    public CivisOptional(T value)
    {
        _value = value;
        HasValue = true;
    }

    /// <summary>Whether the value is set, and so sent.</summary>
    public bool HasValue { get; }

    /// <summary>The value; <see langword="default"/> when unset.</summary>
    public T Value => _value;

    /// <summary>A set value.</summary>
    /// <param name="value">The value to send, <see langword="null"/> included.</param>
    public static implicit operator CivisOptional<T>(T value) => new(value);

    /// <summary>Whether two optionals are both unset, or both set to equal values.</summary>
    /// <param name="other">The other optional.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public bool Equals(CivisOptional<T> other) => HasValue == other.HasValue && EqualityComparer<T>.Default.Equals(_value, other._value);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is CivisOptional<T> other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HasValue ? HashCode.Combine(true, _value) : 0;

    /// <summary>Whether two optionals are equal.</summary>
    /// <param name="left">One optional.</param>
    /// <param name="right">The other.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(CivisOptional<T> left, CivisOptional<T> right) => left.Equals(right);

    /// <summary>Whether two optionals differ.</summary>
    /// <param name="left">One optional.</param>
    /// <param name="right">The other.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(CivisOptional<T> left, CivisOptional<T> right) => !left.Equals(right);
}
