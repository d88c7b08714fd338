// The device side of ID², call for call the open ID² Client SDK's API (id2_client_get_challenge_auth_code,
// id2_client_get_timestamp_auth_code, id2_client_get_device_challenge, id2_client_verify_server, id2_client_decrypt),
// over any carrier. Used by `thingyard simulate --id2`, `thingyard id2 verify` and the tests.
using System.Security.Cryptography;
using System.Text;

namespace Thingyard.Protocol.Id2;

public sealed class Id2Client(IId2Carrier carrier, Func<string>? deviceRandom = null)
{
    readonly Func<string> _deviceRandom = deviceRandom ?? NewDeviceRandom;

    public string Id2 => carrier.Id2;
    public IId2Carrier Carrier => carrier;

    /// <summary>A code for the server's challenge (type 0, or 2 with extra).</summary>
    public string ChallengeAuthCode(string challenge, byte[]? extra = null) =>
        Make(extra is null ? Id2CodeType.Challenge : Id2CodeType.ChallengeWithExtra, challenge, extra);

    /// <summary>A code for a millisecond timestamp (type 1, or 3 with extra).</summary>
    public string TimestampAuthCode(long timestampMs, byte[]? extra = null) =>
        Make(extra is null ? Id2CodeType.Timestamp : Id2CodeType.TimestampWithExtra, timestampMs.ToString(System.Globalization.CultureInfo.InvariantCulture), extra);

    /// <summary>The device's challenge for mutual authentication: 32 upper-case hex digits, as the SDK draws it.</summary>
    public static string DeviceChallenge() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>id2_client_verify_server: whether the server's code answers <paramref name="deviceChallenge"/> for this
    /// ID² (with <paramref name="serverExtra"/> for type 11).</summary>
    public bool VerifyServer(string serverAuthCode, string deviceChallenge, byte[]? serverExtra = null)
    {
        var code = Id2AuthCode.ParseServer(serverAuthCode, out _);
        if (code is null || code.HashType != carrier.KeyType.HashType() || code.DeviceRandom != deviceChallenge) return false;
        if (code.Type == Id2CodeType.ServerWithExtra && serverExtra is null) return false;
        var input = Id2AuthCode.ServerSignInput(Id2, deviceChallenge, code.Type == Id2CodeType.ServerWithExtra ? serverExtra : null);
        return carrier.Verify(input, code.Signature);
    }

    /// <summary>id2_client_decrypt: data the server encrypted for this device (VerifyAndEncrypt's Data, base64-decoded).</summary>
    public byte[] Decrypt(byte[] cipher) => carrier.Decrypt(cipher);

    string Make(Id2CodeType type, string serverRandom, byte[]? extra)
    {
        if (serverRandom.Length is 0 or > Id2AuthCode.MaxServerRandom) throw new ArgumentException("A challenge or timestamp is 1 to 32 characters.");
        if (extra is { Length: 0 or > Id2AuthCode.MaxExtra }) throw new ArgumentException("Extra data is 1 to 512 bytes.");
        var random = _deviceRandom();
        var signature = carrier.Sign(Id2AuthCode.DeviceSignInput(Id2, random, serverRandom, extra));
        return new Id2AuthCode(type, carrier.KeyType.HashType(), random, serverRandom, signature).ToString();
    }

    /// <summary>"%08X%08X" of two random words, as the SDK formats its device random.</summary>
    public static string NewDeviceRandom() => Convert.ToHexString(RandomNumberGenerator.GetBytes(8));

}
