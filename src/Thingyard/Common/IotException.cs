// A business error in the platform's own vocabulary: an Alibaba-style code (iot.device.NotExistedDevice) and a message.
namespace Thingyard.Common;

public class IotException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;

    public static IotException ProductNotFound(string productKey) =>
        new(IotErrors.ProductNotFound, $"The product '{productKey}' does not exist.");

    public static IotException DeviceNotFound(string what) =>
        new(IotErrors.DeviceNotFound, $"The device '{what}' does not exist.");

    public static IotException Invalid(string message) => new(IotErrors.InvalidParameter, message);
}
