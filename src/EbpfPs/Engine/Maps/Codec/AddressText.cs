namespace EbpfPs.Engine.Maps.Codec;

/// <summary>
/// Dotted-quad text of an IPv4 address straight from its four bytes: one string per address and no
/// IPAddress in between, which matters when a million flow keys are decoded.
/// </summary>
internal static class AddressText
{
    // Flow tables repeat their addresses (a few hosts talk to many, or many to a few): the text of recent
    // addresses is kept in a small direct-mapped table, one immutable pair per slot, so a hit allocates nothing.
    private sealed record Known(uint Address, string Text);
    private static readonly Known?[] Recent = new Known?[4096];

    internal static string Ipv4(byte[] b, int o)
    {
        uint v = (uint)(b[o] << 24 | b[o + 1] << 16 | b[o + 2] << 8 | b[o + 3]);
        int slot = (int)((v * 2654435761u) >> 20);
        if (Recent[slot] is Known k && k.Address == v)
            return k.Text;
        string text = Format(v, b, o);
        Recent[slot] = new Known(v, text);
        return text;
    }

    private static string Format(uint v, byte[] b, int o)
    {
        int length = 3 + Digits(b[o]) + Digits(b[o + 1]) + Digits(b[o + 2]) + Digits(b[o + 3]);
        return string.Create(length, v, static (span, address) =>
        {
            int at = 0;
            for (int shift = 24; shift >= 0; shift -= 8)
            {
                int part = (int)(address >> shift) & 0xff;
                if (part >= 100) span[at++] = (char)('0' + part / 100);
                if (part >= 10) span[at++] = (char)('0' + part / 10 % 10);
                span[at++] = (char)('0' + part % 10);
                if (shift > 0) span[at++] = '.';
            }
        });
    }

    private static int Digits(byte part) => part >= 100 ? 3 : part >= 10 ? 2 : 1;
}
