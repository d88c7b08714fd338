// Small helpers for reading JSON responses in assertions.
using System.Net;
using System.Text.Json;

namespace Thingyard.Tests.Infrastructure;

public static class Json
{
    /// <summary>Follows a dotted path ("Data.List.ProductInfo", "devices.0.iotId") through objects and arrays.</summary>
    public static JsonElement At(this JsonElement e, string path)
    {
        foreach (var part in path.Split('.'))
        {
            if (e.ValueKind == JsonValueKind.Array && int.TryParse(part, out var index))
            {
                if (index >= e.GetArrayLength()) throw new KeyNotFoundException($"'{part}' of '{path}' is past the end of {e}");
                e = e[index];
                continue;
            }
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(part, out var next))
                throw new KeyNotFoundException($"'{part}' of '{path}' is missing in {e}");
            e = next;
        }
        return e;
    }

    public static string Str(this JsonElement e, string path) => e.At(path).ToString();

    /// <summary>The body of a response that must have the expected status (the body is in the failure message).</summary>
    public static async Task<JsonElement> JsonOf(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }
}
