// An authenticated RPC request: action, merged parameters (query and form) and the calling account.
namespace Thingyard.Server.Rpc;

public sealed record RpcRequest(
    string Action,
    string? Version,
    IReadOnlyDictionary<string, string> Params,
    string AccessKeyId,
    long AccountId,
    string AccountUid,
    string RequestId,
    bool WantsXml);
