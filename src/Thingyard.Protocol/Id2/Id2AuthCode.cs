// The auth codes of the open ID² Client SDK, as text:
// - a device's code: "{type}~{hash}~{deviceRandom}~{challengeOrTimestamp}~{base64(signature)}", type 0 challenge,
//   1 timestamp, 2 challenge with extra, 3 timestamp with extra; the signature covers ID² || deviceRandom ||
//   challengeOrTimestamp || extra, with no separators;
// - a server's code (mutual authentication): "{10|11}~{hash}~{deviceChallenge}~{base64(signature)}" over the inverted
//   ID² (each hex digit d becomes F-d) || deviceChallenge || serverExtra (type 11 only).
// The type and hash digits are outside the signature: a verifier must insist on the mode it expects.
using System.Text;

namespace Thingyard.Protocol.Id2;

public enum Id2CodeType
{
    Challenge = 0,
    Timestamp = 1,
    ChallengeWithExtra = 2,
    TimestampWithExtra = 3,
    Server = 10,
    ServerWithExtra = 11,
}

public sealed record Id2AuthCode(Id2CodeType Type, int HashType, string DeviceRandom, string ServerRandom, byte[] Signature)
{
    /// <summary>Longest extra data the client SDK signs (ID2_MAX_EXTRA_LEN).</summary>
    public const int MaxExtra = 512;
    /// <summary>Longest challenge or timestamp the client SDK accepts (ID2_MAX_SERVER_RANDOM_LEN).</summary>
    public const int MaxServerRandom = 32;

    public bool IsTimestamp => Type is Id2CodeType.Timestamp or Id2CodeType.TimestampWithExtra;
    public bool HasExtra => Type is Id2CodeType.ChallengeWithExtra or Id2CodeType.TimestampWithExtra or Id2CodeType.ServerWithExtra;

    public override string ToString() => Type is Id2CodeType.Server or Id2CodeType.ServerWithExtra
        ? $"{(int)Type}~{HashType}~{DeviceRandom}~{Convert.ToBase64String(Signature)}"
        : $"{(int)Type}~{HashType}~{DeviceRandom}~{ServerRandom}~{Convert.ToBase64String(Signature)}";

    /// <summary>What a device code's signature covers.</summary>
    public static byte[] DeviceSignInput(string id2, string deviceRandom, string serverRandom, ReadOnlySpan<byte> extra) =>
        [.. Encoding.ASCII.GetBytes(id2 + deviceRandom + serverRandom), .. extra];

    /// <summary>What a server code's signature covers.</summary>
    public static byte[] ServerSignInput(string id2, string deviceChallenge, ReadOnlySpan<byte> serverExtra) =>
        [.. Encoding.ASCII.GetBytes(Id2Identifier.Inverse(id2) + deviceChallenge), .. serverExtra];

    /// <summary>Reads a device's code; null with the reason when it is not one.</summary>
    public static Id2AuthCode? ParseDevice(string? text, out string error)
    {
        error = "";
        var parts = (text ?? "").Split('~');
        if (parts.Length != 5) return Fail(out error, "an auth code has five parts separated by '~'");
        if (parts[0] is not ("0" or "1" or "2" or "3")) return Fail(out error, $"auth code type '{parts[0]}' is not 0, 1, 2 or 3");
        if (parts[1] is not ("2" or "3")) return Fail(out error, $"hash type '{parts[1]}' is not 2 (SHA-256) or 3 (SM3)");
        if (parts[2].Length is 0 or > 128 || !IsHex(parts[2])) return Fail(out error, "the device random is not hexadecimal");
        var type = (Id2CodeType)(parts[0][0] - '0');
        var serverRandom = parts[3];
        if (serverRandom.Length is 0 or > MaxServerRandom) return Fail(out error, "the challenge or timestamp is empty or longer than 32 characters");
        if (type is Id2CodeType.Timestamp or Id2CodeType.TimestampWithExtra && !serverRandom.All(char.IsAsciiDigit))
            return Fail(out error, "the timestamp is not a number of milliseconds");
        var signature = Base64(parts[4]);
        if (signature is null) return Fail(out error, "the signature is not base64");
        return new Id2AuthCode(type, parts[1][0] - '0', parts[2], serverRandom, signature);
    }

    /// <summary>Reads a server's code (type 10 or 11); null with the reason when it is not one.</summary>
    public static Id2AuthCode? ParseServer(string? text, out string error)
    {
        error = "";
        var parts = (text ?? "").Split('~');
        if (parts.Length != 4) return Fail(out error, "a server auth code has four parts separated by '~'");
        if (parts[0] is not ("10" or "11")) return Fail(out error, $"server auth code type '{parts[0]}' is not 10 or 11");
        if (parts[1] is not ("2" or "3")) return Fail(out error, $"hash type '{parts[1]}' is not 2 or 3");
        var signature = Base64(parts[3]);
        if (signature is null) return Fail(out error, "the signature is not base64");
        return new Id2AuthCode((Id2CodeType)int.Parse(parts[0]), parts[1][0] - '0', parts[2], "", signature);
    }

    static Id2AuthCode? Fail(out string error, string why)
    {
        error = why;
        return null;
    }

    static bool IsHex(string s) => s.All(char.IsAsciiHexDigit);

    static byte[]? Base64(string s)
    {
        if (s.Length == 0) return null;
        try { return Convert.FromBase64String(s); }
        catch (FormatException) { return null; }
    }
}
