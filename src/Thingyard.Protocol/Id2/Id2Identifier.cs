// ID² identifiers: 24 hexadecimal characters (ID2_ID_MIN_LEN), upper case as issued.
using System.Security.Cryptography;

namespace Thingyard.Protocol.Id2;

public static class Id2Identifier
{
    public const int Length = 24;

    /// <summary>A new identifier: "00" (issued by this authority, not Alibaba's vendor codes) and 22 random hex digits.</summary>
    public static string New() => "00" + Convert.ToHexString(RandomNumberGenerator.GetBytes(11));

    public static bool IsValid(string? id2) => id2 is { Length: Length } && id2.All(char.IsAsciiHexDigit);

    /// <summary>Upper-cases a valid identifier; null when it is not one.</summary>
    public static string? Normalize(string? id2) => IsValid(id2) ? id2!.ToUpperInvariant() : null;

    /// <summary>Each hex digit d becomes F-d (the server's mutual-authentication code signs the inverted ID²).</summary>
    public static string Inverse(string id2) => string.Create(id2.Length, id2, (span, s) =>
    {
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            var v = char.IsAsciiDigit(c) ? c - '0' : char.IsAsciiHexDigitUpper(c) ? c - 'A' + 10 : char.IsAsciiHexDigitLower(c) ? c - 'a' + 10 : -1;
            span[i] = v < 0 ? c : "0123456789ABCDEF"[15 - v];
        }
    });
}
