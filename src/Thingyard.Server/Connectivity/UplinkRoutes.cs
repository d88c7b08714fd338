// The uplink route table: which handler takes a device publish, by topic pattern, the way RpcActions maps Action names.
// Each area adds its routes where it registers its services (AddThings, AddGateways, AddShadows, ...).
//
// Patterns are topic levels: a literal, "+" (any one level), "{name}" (any one level, handed to the handler as
// Uplink.RouteArg) or a final "#" (any further levels, none included). A literal level wins over "+"/"{name}", which
// win over "#"; when a longer match fails deeper, matching backs off to the next candidate.
namespace Thingyard.Server.Connectivity;

/// <summary>What the router checks before the handler runs: an Alink JSON envelope (a bad one is answered 460 and the
/// handler never sees it), UTF-8 text, or nothing.</summary>
public enum UplinkPayload { Alink, Text, Raw }

public sealed record UplinkRoute(string Pattern, UplinkPayload Payload, Func<Uplink, Task> Handler, int ArgLevel);

/// <summary>A registration an area makes at start: called once with the table and the service provider.</summary>
public sealed record UplinkRouteSource(Action<UplinkRoutes, IServiceProvider> Add);

public sealed class UplinkRoutes
{
    sealed class Node
    {
        public Dictionary<string, Node>? Literals;
        public Node? Any;
        public UplinkRoute? Here;
        public UplinkRoute? Rest;
    }

    readonly Node _root = new();

    public UplinkRoutes(IEnumerable<UplinkRouteSource> sources, IServiceProvider services)
    {
        foreach (var source in sources) source.Add(this, services);
    }

    public UplinkRoutes Add(string pattern, UplinkPayload payload, Func<Uplink, Task> handler)
    {
        var levels = pattern.Split('/');
        var node = _root;
        var argLevel = -1;
        for (var i = 0; i < levels.Length; i++)
        {
            var level = levels[i];
            if (level == "#")
            {
                if (i != levels.Length - 1) throw new ArgumentException($"'#' must be the last level: {pattern}", nameof(pattern));
                if (node.Rest is not null) throw new ArgumentException($"{pattern} is already routed", nameof(pattern));
                node.Rest = new UplinkRoute(pattern, payload, handler, argLevel);
                return this;
            }
            if (level == "+" || level.StartsWith('{'))
            {
                if (level.StartsWith('{'))
                {
                    if (argLevel >= 0) throw new ArgumentException($"one {{name}} level per pattern: {pattern}", nameof(pattern));
                    argLevel = i;
                }
                node = node.Any ??= new Node();
            }
            else
            {
                node.Literals ??= new Dictionary<string, Node>(StringComparer.Ordinal);
                if (!node.Literals.TryGetValue(level, out var next)) node.Literals[level] = next = new Node();
                node = next;
            }
        }
        if (node.Here is not null) throw new ArgumentException($"{pattern} is already routed", nameof(pattern));
        node.Here = new UplinkRoute(pattern, payload, handler, argLevel);
        return this;
    }

    public UplinkRoutes Alink(string pattern, Func<Uplink, Task> handler) => Add(pattern, UplinkPayload.Alink, handler);

    public UplinkRoutes Alink(string pattern, Action<Uplink> handler) => Add(pattern, UplinkPayload.Alink, Sync(handler));

    public UplinkRoutes Raw(string pattern, Action<Uplink> handler) => Add(pattern, UplinkPayload.Raw, Sync(handler));

    public UplinkRoutes Text(string pattern, Action<Uplink> handler) => Add(pattern, UplinkPayload.Text, Sync(handler));

    static Func<Uplink, Task> Sync(Action<Uplink> handler) => u => { handler(u); return Task.CompletedTask; };

    /// <summary>The route for a topic's levels (levels[0] is the empty level before the leading '/'), or null.</summary>
    public UplinkRoute? Match(string[] levels) => Match(_root, levels, 0);

    static UplinkRoute? Match(Node node, string[] levels, int i)
    {
        if (i == levels.Length) return node.Here ?? node.Rest;
        if (node.Literals is not null && node.Literals.TryGetValue(levels[i], out var literal) && Match(literal, levels, i + 1) is { } exact)
            return exact;
        if (node.Any is not null && Match(node.Any, levels, i + 1) is { } any) return any;
        return node.Rest;
    }
}

public static class UplinkRoutesSetup
{
    /// <summary>Adds an area's uplink routes; the handlers are usually methods of the area's singletons.</summary>
    public static IServiceCollection AddUplinkRoutes(this IServiceCollection services, Action<UplinkRoutes, IServiceProvider> add) =>
        services.AddSingleton(new UplinkRouteSource(add));
}
