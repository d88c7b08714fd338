// The action table: every supported Action name and its handler; areas add theirs at start. InvokeAsync is the one
// way an action runs, from the OpenAPI endpoint or from the console: the caller's role is checked there (Permissions).
using Thingyard.Access;

namespace Thingyard.Server.Rpc;

public delegate Task<object> RpcHandler(RpcCall call);

public sealed class RpcActions
{
    readonly Dictionary<string, RpcHandler> _handlers = new(StringComparer.Ordinal);

    public RpcActions Add(string action, RpcHandler handler)
    {
        _handlers.Add(action, handler);
        return this;
    }

    public bool TryGet(string action, out RpcHandler handler) => _handlers.TryGetValue(action, out handler!);

    public IEnumerable<string> Names => _handlers.Keys.Order();

    /// <summary>Runs the call's action as its caller may: an unknown action is the gateway's 404, a role that may not
    /// (a console viewer changing something) the platform's RAM refusal.</summary>
    public async Task<object> InvokeAsync(RpcCall call)
    {
        var action = call.Request.Action;
        if (!_handlers.TryGetValue(action, out var handler))
            throw new RpcGatewayException(404, "InvalidAction.NotFound", $"Specified api '{action}' is not found, please check your url and method.");
        call.Caller.Require(Permissions.NeedOf(action));
        await call.LoadGrantsAsync();
        return await handler(call);
    }
}
