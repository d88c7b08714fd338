// AliGenie's error codes (the payload of an ErrorResponse), and the exception that carries one to the gateway's answer.
namespace Thingyard.Server.AliGenie;

public static class AliGenieErrors
{
    public const string InvalidDirective = "INVALIDATE_CONTROL_ORDER";
    public const string ServiceError = "SERVICE_ERROR";
    public const string NotSupported = "DEVICE_NOT_SUPPORT_FUNCTION";
    public const string InvalidParams = "INVALIDATE_PARAMS";
    public const string NoSuchDevice = "DEVICE_IS_NOT_EXIST";
    public const string Offline = "IOT_DEVICE_OFFLINE";
    public const string InvalidToken = "ACCESS_TOKEN_INVALIDATE";
}

public sealed class AliGenieException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
