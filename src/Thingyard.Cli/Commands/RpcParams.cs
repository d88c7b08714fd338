// Request parameters for ThingyardRpcClient, built with a collection initializer; options left unset are not sent.
using System.Collections;
using System.Globalization;
using Thingyard.Protocol.OpenApi;

namespace Thingyard.Cli.Commands;

public sealed class RpcParams : IEnumerable<KeyValuePair<string, string>>
{
    readonly List<KeyValuePair<string, string>> _items = [];

    public void Add(string name, string? value)
    {
        if (value is not null) _items.Add(KeyValuePair.Create(name, value));
    }

    public void Add(string name, int? value) => Add(name, value?.ToString(CultureInfo.InvariantCulture));

    public void Add(string name, bool value) => Add(name, value ? "true" : "false");

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
