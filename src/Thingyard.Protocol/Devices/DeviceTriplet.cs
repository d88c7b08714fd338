// A device's identity on the platform: ProductKey, DeviceName and DeviceSecret ("the triplet").
namespace Thingyard.Protocol.Devices;

public sealed record DeviceTriplet(string ProductKey, string DeviceName, string DeviceSecret)
{
    public override string ToString() => $"{ProductKey}/{DeviceName}"; // never the secret
}
