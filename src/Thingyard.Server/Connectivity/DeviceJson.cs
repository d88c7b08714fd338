// A JSON answer to a device's HTTP call (registration, bootstrap), serialized up front so it goes out with a
// Content-Length: the C Link SDKs read exactly that many bytes and fail on a chunked answer (3.x reports
// STATE_HTTP_RESP_MISSING_CONTENT_LEN), which is what Results.Json sends.
using System.Text.Json;

namespace Thingyard.Server.Connectivity;

public sealed class DeviceJson(object value) : IResult
{
    readonly byte[] _body = JsonSerializer.SerializeToUtf8Bytes(value, JsonSerializerOptions.Web);

    public int Length => _body.Length;

    /// <summary>{"code","message"}, the message cut short when the answer would be longer than maxBytes (the SDKs read
    /// the answer into fixed buffers; a long device name echoed in the message must not overflow them).</summary>
    public static DeviceJson Refusal(int code, string message, int maxBytes = int.MaxValue)
    {
        var answer = new DeviceJson(new { code, message });
        while (answer.Length > maxBytes && message.Length > 0)
        {
            message = message[..Math.Max(0, message.Length - (answer.Length - maxBytes))];
            answer = new DeviceJson(new { code, message });
        }
        return answer;
    }

    public Task ExecuteAsync(HttpContext http)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.ContentLength = _body.Length;
        return http.Response.Body.WriteAsync(_body, http.RequestAborted).AsTask();
    }
}
