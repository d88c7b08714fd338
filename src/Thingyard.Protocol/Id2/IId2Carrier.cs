// Where a device keeps its ID² and key: the carrier. The calls are the ones the open ID² Client SDK makes of its key
// manager (km_get_id2, sign, cipher). SoftwareKm holds both in memory (the KM carrier, for software devices and the
// simulator); a security chip (SE) or trusted execution environment (TEE) implements the same interface by passing
// each call to the chip or trusted application, and its key never enters this process.
namespace Thingyard.Protocol.Id2;

public interface IId2Carrier
{
    /// <summary>"km", "se", "tee" or "module".</summary>
    string Kind { get; }
    string Id2 { get; }
    Id2KeyType KeyType { get; }
    byte[] Sign(ReadOnlySpan<byte> input);
    bool Verify(ReadOnlySpan<byte> input, ReadOnlySpan<byte> signature);
    byte[] Decrypt(byte[] cipher);
}

/// <summary>The KM carrier in software: the identity and its key in memory.</summary>
public sealed class SoftwareKm(string id2, Id2Key key) : IId2Carrier
{
    public string Kind => "km";
    public string Id2 { get; } = Id2Identifier.Normalize(id2) ?? throw new ArgumentException("An ID² is 24 hexadecimal characters.", nameof(id2));
    public Id2KeyType KeyType => key.Type;
    public byte[] Sign(ReadOnlySpan<byte> input) => key.Sign(input);
    public bool Verify(ReadOnlySpan<byte> input, ReadOnlySpan<byte> signature) => key.Verify(input, signature);
    public byte[] Decrypt(byte[] cipher) => key.Decrypt(cipher);
}
