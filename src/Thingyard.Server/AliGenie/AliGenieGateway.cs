// POST /aligenie/v1/gateway: the skill's endpoint that Tmall Genie's cloud calls with a directive and the end user's
// access token in the body. The token is checked by OpenIddict's validation (this server's own tokens, looked up in
// its token store, so a deleted skill's tokens fail). The answer echoes the header with name + "Response", or
// "ErrorResponse" with AliGenie's error code; the HTTP status is 200 either way, as the protocol expects.
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenIddict.Abstractions;
using OpenIddict.Validation;
using Thingyard.EndUsers;
using Thingyard.Storage;

namespace Thingyard.Server.AliGenie;

public static class AliGenieGateway
{
    public const string Path = "/aligenie/v1/gateway";
    const string Discovery = "AliGenie.Iot.Device.Discovery", Control = "AliGenie.Iot.Device.Control", Query = "AliGenie.Iot.Device.Query";

    public static void MapAliGenieGateway(this IEndpointRouteBuilder app) =>
        app.MapPost(Path, HandleAsync).WithTags("AliGenie").WithSummary("AliGenie smart-home directives (discovery, control, query)");

    static async Task<IResult> HandleAsync(HttpContext http, AliGenieDirectives directives, OpenIddictValidationService validation, ThingyardDb db,
        ILogger<AliGenieDirectives> log, CancellationToken ct)
    {
        JsonElement request;
        try { request = (await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: ct)).RootElement; }
        catch (JsonException) { return Answer(null, "ErrorResponse", null, Error(AliGenieErrors.InvalidParams, "The body is not JSON.", null)); }
        var header = request.ValueKind == JsonValueKind.Object && request.TryGetProperty("header", out var h) && h.ValueKind == JsonValueKind.Object ? h : default;
        var payload = request.ValueKind == JsonValueKind.Object && request.TryGetProperty("payload", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
        var (ns, name) = (Text(header, "namespace") ?? "", Text(header, "name") ?? "");
        var deviceId = Text(payload, "deviceId");
        try
        {
            if (payload.ValueKind != JsonValueKind.Object) throw new AliGenieException(AliGenieErrors.InvalidParams, "The payload is missing.");
            var user = await EndUserAsync(validation, db, Text(payload, "accessToken"), ct)
                ?? throw new AliGenieException(AliGenieErrors.InvalidToken, "The access token is invalid or expired.");
            switch (ns, name)
            {
                case (Discovery, "DiscoveryDevices"):
                    return Answer(header, name + "Response", null, await directives.DiscoverAsync(user, ct));
                case (Control, _):
                    await directives.ControlAsync(user, name, payload, ct);
                    return Answer(header, name + "Response", null, new JsonObject { ["deviceId"] = deviceId });
                case (Query, _):
                    var properties = await directives.QueryAsync(user, name, payload, ct);
                    return Answer(header, name + "Response", properties, new JsonObject { ["deviceId"] = deviceId });
                default:
                    throw new AliGenieException(AliGenieErrors.InvalidDirective, $"Unknown directive {ns} {name}.");
            }
        }
        catch (AliGenieException e) { return Answer(header, "ErrorResponse", null, Error(e.Code, e.Message, deviceId)); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "AliGenie directive {Namespace} {Name} failed", ns, name);
            return Answer(header, "ErrorResponse", null, Error(AliGenieErrors.ServiceError, "The service failed; try again.", deviceId));
        }
    }

    /// <summary>The end user an access token of this server names, or null (unknown, expired, revoked, its user gone).</summary>
    static async Task<EndUser?> EndUserAsync(OpenIddictValidationService validation, ThingyardDb db, string? token, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 4096) return null;
        try { return await AliGenieOAuth.EndUserOfAsync(db, await validation.ValidateAccessTokenAsync(token, ct), ct); }
        catch (Exception e) when (e is OpenIddictExceptions.ProtocolException or OpenIddictExceptions.ValidationException) { return null; } // unknown, expired, revoked, not an access token
    }

    static IResult Answer(JsonElement? header, string name, JsonArray? properties, JsonObject payload)
    {
        var h = header is { ValueKind: JsonValueKind.Object } given ? JsonNode.Parse(given.GetRawText())!.AsObject() : new JsonObject();
        h["name"] = name;
        var answer = new JsonObject { ["header"] = h, ["payload"] = payload };
        if (properties is not null) answer["properties"] = properties;
        return Results.Content(answer.ToJsonString(), "application/json");
    }

    static JsonObject Error(string code, string message, string? deviceId) =>
        new() { ["deviceId"] = deviceId, ["errorCode"] = code, ["message"] = message };

    static string? Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
