// Writes RPC responses in the SDKs' shape: PascalCase keys as given, RequestId first, JSON or (Format=XML) XML.
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Xml;

namespace Thingyard.Server.Rpc;

public static class RpcResponseWriter
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static JsonObject Success(string requestId, object result)
    {
        var body = new JsonObject { ["RequestId"] = requestId, ["Success"] = true };
        if (JsonSerializer.SerializeToNode(result, Json) is JsonObject fields)
            foreach (var (key, value) in fields.ToList())
            {
                fields.Remove(key);
                body[key] = value;
            }
        return body;
    }

    /// <summary>IoT business errors: HTTP 200, Success false, with both ErrorMessage (the model field) and Message (pop-core's).</summary>
    public static JsonObject BusinessError(string requestId, string code, string message) => new()
    {
        ["RequestId"] = requestId, ["Success"] = false, ["Code"] = code, ["ErrorMessage"] = message, ["Message"] = message,
    };

    public static JsonObject GatewayError(string requestId, string host, string code, string message) => new()
    {
        ["RequestId"] = requestId, ["HostId"] = host, ["Code"] = code, ["Message"] = message,
        ["Recommend"] = "Check the signature, parameters and action name; see docs/protocol-compatibility.md.",
    };

    public static async Task WriteAsync(HttpResponse response, int status, JsonObject body, string? xmlRoot)
    {
        response.StatusCode = status;
        if (xmlRoot is null)
        {
            response.ContentType = "application/json;charset=utf-8";
            await response.WriteAsync(body.ToJsonString(Json));
            return;
        }
        response.ContentType = "text/xml;charset=utf-8";
        await using var xml = XmlWriter.Create(response.Body, new XmlWriterSettings { Async = true, Encoding = new System.Text.UTF8Encoding(false) });
        await xml.WriteStartDocumentAsync();
        WriteXml(xml, xmlRoot, body);
        await xml.WriteEndDocumentAsync();
    }

    /// <summary>Arrays become repeated elements named for their property, as the platform's XML does.</summary>
    static void WriteXml(XmlWriter xml, string name, JsonNode? node)
    {
        if (node is JsonArray array)
        {
            foreach (var item in array) WriteXml(xml, name, item);
            return;
        }
        xml.WriteStartElement(name);
        if (node is JsonObject obj)
            foreach (var (key, value) in obj) WriteXml(xml, key, value);
        else if (node is not null)
            xml.WriteString(node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString());
        xml.WriteEndElement();
    }
}
