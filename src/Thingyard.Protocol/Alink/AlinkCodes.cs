// Codes the platform returns to devices (help/doc-detail/120329 and the gateway docs).
namespace Thingyard.Protocol.Alink;

public static class AlinkCodes
{
    public const int Ok = 200;
    public const int RequestError = 400;
    public const int Throttled = 429;
    /// <summary>Empty or malformed params, or values outside the thing model.</summary>
    public const int BadParams = 460;
    public const int SubDeviceSessionMissing = 520;
    public const int Unknown = 500;
    public const int ProductNotFound = 5005;
    public const int DeviceNotFound = 6100;
    public const int TopicParseError = 6203;
    public const int DeviceDisabled = 6204;
    public const int TopoMissing = 6401;
    public const int TopoSelf = 6402;
    public const int SignatureInvalid = 6413;
    public const int SystemError = 6760;
    public const int ConfigNotFound = 6713; // thing.config.get for a product without a configuration file
}
