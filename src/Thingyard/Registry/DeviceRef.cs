// How callers name a device: by IotId, or by ProductKey and DeviceName (the API accepts either).
using Thingyard.Common;

namespace Thingyard.Registry;

public readonly record struct DeviceRef(string? IotId, string? ProductKey, string? DeviceName)
{
    public static DeviceRef Of(string? iotId, string? productKey, string? deviceName)
    {
        if (string.IsNullOrEmpty(iotId) && (string.IsNullOrEmpty(productKey) || string.IsNullOrEmpty(deviceName)))
            throw IotException.Invalid("Name the device with IotId, or with ProductKey and DeviceName.");
        return new DeviceRef(iotId, productKey, deviceName);
    }

    public override string ToString() => string.IsNullOrEmpty(IotId) ? $"{ProductKey}/{DeviceName}" : IotId;
}
