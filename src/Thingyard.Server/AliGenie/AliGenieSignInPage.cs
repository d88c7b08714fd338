// The small server-rendered page where an end user signs in to link their account to Tmall Genie: the project's
// name, login and password, and the authorization request carried along in hidden fields (it is posted back to the
// authorization endpoint, which OpenIddict checks again).
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;
using OpenIddict.Abstractions;

namespace Thingyard.Server.AliGenie;

static class AliGenieSignInPage
{
    /// <summary>Fields of the form that are not part of the authorization request.</summary>
    public static readonly string[] OwnFields = ["login", "password"];

    public static IResult Render(HttpContext http, IAntiforgery antiforgery, OpenIddictRequest request, string projectName, string? error,
        int status = StatusCodes.Status200OK)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var h = HtmlEncoder.Default;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>Link to Tmall Genie</title><style>body{font-family:system-ui,sans-serif;max-width:22rem;margin:3rem auto;padding:0 1rem}")
            .Append("label,input,button{display:block;width:100%;box-sizing:border-box;margin:.3rem 0}input,button{padding:.5rem}")
            .Append(".error{color:#b00020}</style></head><body>")
            .Append("<h1>").Append(h.Encode(projectName)).Append("</h1>")
            .Append("<p>Sign in to let Tmall Genie use your devices.</p>");
        if (error is not null) html.Append("<p class=\"error\" role=\"alert\">").Append(h.Encode(error)).Append("</p>");
        html.Append("<form method=\"post\">");
        foreach (var (name, value) in request.GetParameters())
        {
            if (OwnFields.Contains(name) || name == tokens.FormFieldName) continue;
            html.Append("<input type=\"hidden\" name=\"").Append(h.Encode(name)).Append("\" value=\"").Append(h.Encode((string?)value ?? "")).Append("\">");
        }
        html.Append("<input type=\"hidden\" name=\"").Append(h.Encode(tokens.FormFieldName)).Append("\" value=\"").Append(h.Encode(tokens.RequestToken ?? "")).Append("\">")
            .Append("<label for=\"login\">E-mail or phone</label><input id=\"login\" name=\"login\" autocomplete=\"username\" required value=\"")
            .Append(h.Encode((string?)request["login"] ?? "")).Append("\">")
            .Append("<label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>")
            .Append("<button type=\"submit\">Sign in and link</button></form></body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8, status);
    }
}
