namespace Aqueduct.Civis.Data;

/// <summary>The CRC-32 of gzip (ISO 3309, reflected polynomial 0xEDB88320), slicing by 8, with zlib's combine.</summary>
internal static class Crc32
{
    private const uint Polynomial = 0xEDB88320;
    private static readonly uint[] Table = BuildTable();
    private static readonly uint[] PowersOfX = BuildPowers();

    /// <summary>Continues a CRC (0 for none yet) over more bytes.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var table = Table;
        crc = ~crc;
        while (data.Length >= 8)
        {
            var one = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(data) ^ crc;
            var two = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            crc = table[(7 * 256) + (one & 0xFF)] ^ table[(6 * 256) + ((one >> 8) & 0xFF)] ^
                  table[(5 * 256) + ((one >> 16) & 0xFF)] ^ table[(4 * 256) + (one >> 24)] ^
                  table[(3 * 256) + (two & 0xFF)] ^ table[(2 * 256) + ((two >> 8) & 0xFF)] ^
                  table[256 + ((two >> 16) & 0xFF)] ^ table[two >> 24];
            data = data[8..];
        }

        foreach (var b in data)
        {
            crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    /// <summary>The CRC of the last <paramref name="suffixLength"/> bytes, from the CRC of all and the CRC of the bytes before them.</summary>
    public static uint Suffix(uint crcOfAll, uint crcOfPrefix, long suffixLength) =>
        crcOfAll ^ MultiplyModP(XPower8N(suffixLength), crcOfPrefix);

    private static uint MultiplyModP(uint a, uint b)
    {
        var m = 1u << 31;
        var p = 0u;
        while (true)
        {
            if ((a & m) != 0)
            {
                p ^= b;
                if ((a & (m - 1)) == 0)
                {
                    break;
                }
            }

            m >>= 1;
            b = (b & 1) != 0 ? (b >> 1) ^ Polynomial : b >> 1;
        }

        return p;
    }

    /// <summary>x^(8n) modulo the polynomial: the shift of a CRC past n zero bytes.</summary>
    private static uint XPower8N(long n)
    {
        var p = 1u << 31; // x^0
        var k = 3;
        while (n != 0)
        {
            if ((n & 1) != 0)
            {
                p = MultiplyModP(PowersOfX[k & 31], p);
            }

            n >>= 1;
            k++;
        }

        return p;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[8 * 256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? (c >> 1) ^ Polynomial : c >> 1;
            }

            table[i] = c;
        }

        for (var i = 0; i < 256; i++)
        {
            for (var s = 1; s < 8; s++)
            {
                var previous = table[((s - 1) * 256) + i];
                table[(s * 256) + i] = table[previous & 0xFF] ^ (previous >> 8);
            }
        }

        return table;
    }

    private static uint[] BuildPowers()
    {
        var powers = new uint[32];
        var p = 1u << 30; // x^1
        powers[0] = p;
        for (var n = 1; n < 32; n++)
        {
            powers[n] = p = MultiplyModP(p, p);
        }

        return powers;
    }
}
