// HTTP(S) dynamic registration, POST /auth/register/device with form fields, as the device SDKs call it.
// The body stays under 256 bytes: the C SDK reads the answer into a buffer that small.
using Thingyard.Connectivity;

namespace Thingyard.Server.Connectivity;

public static class RegistrationEndpoint
{
    public static void MapRegistration(this IEndpointRouteBuilder app) =>
        app.MapPost("/auth/register/device", RegisterAsync).DisableAntiforgery().ExcludeFromDescription();

    static async Task<IResult> RegisterAsync(HttpContext http, DynamicRegistration registration, ILogger<DynamicRegistration> log)
    {
        if (!http.Request.HasFormContentType)
            return Results.Json(new { code = Alink.AlinkCodes.BadParams, message = "send the fields as application/x-www-form-urlencoded" });
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        string Field(string name) => form[name].ToString();
        var result = await registration.RegisterAsync(Field("productKey"), Field("deviceName"), Field("random"),
            form.TryGetValue("signMethod", out var m) ? m.ToString() : null, Field("sign"), registrationFree: false, http.RequestAborted);
        if (!result.Ok)
        {
            log.LogInformation("HTTP registration of {ProductKey}/{DeviceName} refused: {Message}", result.ProductKey, result.DeviceName, result.Message);
            return Results.Json(new { code = result.Code, message = result.Message });
        }
        return Results.Json(new
        {
            code = 200,
            data = new { productKey = result.ProductKey, deviceName = result.DeviceName, deviceSecret = result.DeviceSecret },
            message = "success",
        });
    }
}
