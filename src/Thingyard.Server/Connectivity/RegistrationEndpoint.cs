// HTTP(S) dynamic registration, POST /auth/register/device with form fields, as the device SDKs call it.
// Answers carry a Content-Length (DeviceJson) and stay within 255 bytes: the 3.x C SDK reads them into a 256-byte buffer.
using Thingyard.Connectivity;
using Thingyard.Protocol.Alink;

namespace Thingyard.Server.Connectivity;

public static class RegistrationEndpoint
{
    public const int MaxAnswerBytes = 255;

    public static void MapRegistration(this IEndpointRouteBuilder app) =>
        app.MapPost("/auth/register/device", RegisterAsync).DisableAntiforgery().ExcludeFromDescription();

    static async Task<IResult> RegisterAsync(HttpContext http, DynamicRegistration registration, ILogger<DynamicRegistration> log)
    {
        if (!http.Request.HasFormContentType)
            return DeviceJson.Refusal(AlinkCodes.BadParams, "send the fields as application/x-www-form-urlencoded", MaxAnswerBytes);
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        string Field(string name) => form[name].ToString();
        var result = await registration.RegisterAsync(Field("productKey"), Field("deviceName"), Field("random"),
            form.TryGetValue("signMethod", out var m) ? m.ToString() : null, Field("sign"), registrationFree: false, http.RequestAborted);
        if (!result.Ok)
        {
            log.LogInformation("HTTP registration of {ProductKey}/{DeviceName} refused: {Message}", result.ProductKey, result.DeviceName, result.Message);
            return DeviceJson.Refusal(result.Code, result.Message, MaxAnswerBytes);
        }
        // Product keys and registered device names are short (names at most 32 characters): a success fits.
        return new DeviceJson(new
        {
            code = 200,
            data = new { productKey = result.ProductKey, deviceName = result.DeviceName, deviceSecret = result.DeviceSecret },
            message = "success",
        });
    }
}
