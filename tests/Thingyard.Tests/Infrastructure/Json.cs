// Small helpers for reading JSON responses in assertions.
using System.Text.Json;

namespace Thingyard.Tests.Infrastructure;

public static class Json
{
    /// <summary>Follows a dotted path ("Data.List.ProductInfo") through objects.</summary>
    public static JsonElement At(this JsonElement e, string path)
    {
        foreach (var part in path.Split('.'))
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(part, out var next))
                throw new KeyNotFoundException($"'{part}' of '{path}' is missing in {e}");
            e = next;
        }
        return e;
    }

    public static string Str(this JsonElement e, string path) => e.At(path).ToString();
}
