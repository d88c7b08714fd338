// A failure at the API gateway (signature, missing parameter, unknown action): HTTP 4xx with the POP error body.
namespace Thingyard.Server.Rpc;

public sealed class RpcGatewayException(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string Code { get; } = code;

    public static RpcGatewayException Missing(string name) =>
        new(400, "MissingParameter", $"The input parameter \"{name}\" that is mandatory for processing this request is not supplied.");

    public static RpcGatewayException Invalid(string name, string why) =>
        new(400, "InvalidParameter", $"The specified parameter \"{name}\" is not valid: {why}");
}
