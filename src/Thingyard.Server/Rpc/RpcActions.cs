// The action table: every supported Action name and its handler; areas add theirs at start.
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
}
