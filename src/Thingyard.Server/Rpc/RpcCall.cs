// What an action handler receives: typed access to the merged parameters, who is calling and services.
using System.Globalization;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Registry;

namespace Thingyard.Server.Rpc;

public sealed class RpcCall(RpcRequest request, IServiceProvider services, CancellationToken ct, Caller? caller = null)
{
    public RpcRequest Request { get; } = request;
    /// <summary>Who is calling: account-owned data is read and changed only as this caller may (AccessRules). A signed
    /// request acts as its account's owner; the console passes the signed-in user with their role.</summary>
    public Caller Caller { get; private set; } = caller ?? Caller.Account(request.AccountId);
    public CancellationToken Ct { get; } = ct;

    public T Service<T>() where T : notnull => services.GetRequiredService<T>();

    /// <summary>Adds what other accounts authorized to the caller's account (RpcActions does, before the handler).</summary>
    internal async ValueTask LoadGrantsAsync() =>
        Caller = await Service<GrantDirectory>().WithGrantsAsync(Caller, GranteeActions.Admits(Request.Action), Ct);

    public string? Optional(string name) =>
        Request.Params.TryGetValue(name, out var v) && v.Length > 0 ? v : null;

    public string Required(string name) => Optional(name) ?? throw RpcGatewayException.Missing(name);

    public int? Int(string name) => Optional(name) is { } v
        ? int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : throw RpcGatewayException.Invalid(name, "must be an integer")
        : null;

    public long? Long(string name) => Optional(name) is { } v
        ? long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : throw RpcGatewayException.Invalid(name, "must be an integer")
        : null;

    public bool? Bool(string name) => Optional(name) is { } v
        ? bool.TryParse(v, out var b) ? b : throw RpcGatewayException.Invalid(name, "must be true or false")
        : null;

    /// <summary>Values of Name.1, Name.2, ... in index order (the SDKs' flattening of arrays).</summary>
    public List<string> List(string name)
    {
        var prefix = name + ".";
        return Request.Params
            .Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal) && int.TryParse(p.Key.AsSpan(prefix.Length), out _))
            .OrderBy(p => int.Parse(p.Key.AsSpan(prefix.Length), CultureInfo.InvariantCulture))
            .Select(p => p.Value).ToList();
    }

    /// <summary>Objects flattened as Name.N.Field, in index order.</summary>
    public List<Dictionary<string, string>> Objects(string name)
    {
        var prefix = name + ".";
        var byIndex = new SortedDictionary<int, Dictionary<string, string>>();
        foreach (var (key, value) in Request.Params)
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var rest = key.AsSpan(prefix.Length);
            var dot = rest.IndexOf('.');
            if (dot <= 0 || !int.TryParse(rest[..dot], NumberStyles.Integer, CultureInfo.InvariantCulture, out var index)) continue;
            if (!byIndex.TryGetValue(index, out var item)) byIndex[index] = item = new Dictionary<string, string>();
            item[rest[(dot + 1)..].ToString()] = value;
        }
        return byIndex.Values.ToList();
    }

    /// <summary>Who made the call, for records: the console user, or the AccessKey that signed it.</summary>
    public string Actor => Request.AccessKeyId.StartsWith("console:", StringComparison.Ordinal)
        ? Request.AccessKeyId["console:".Length..] : "AccessKey " + Request.AccessKeyId;

    public DeviceRef Device() => DeviceRef.Of(Optional("IotId"), Optional("ProductKey"), Optional("DeviceName"));

    public Paging Paging(int defaultSize = 10, int maxSize = 200, string pageKey = "CurrentPage", string sizeKey = "PageSize") =>
        Common.Paging.Of(Int(pageKey), Int(sizeKey), defaultSize, maxSize);
}
