// End users' own accounts over real HTTP (`/app/v1`), with the reset code going through a local SMTP sink: sign up by
// e-mail and by phone, sign in, refresh (a refresh token works once; its reuse ends every session), sign out, reset a
// forgotten password with the e-mailed code (wrong codes counted, every session ends), delete the account. And each
// kind of bad input: a taken login, a malformed login, a short password, a wrong password read like an unknown login,
// repeated failures throttled, a phone reset refused for want of an SMS sender, an unknown project.
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Thingyard.Tests.Alarms;
using Thingyard.Tests.Infrastructure;
using static Thingyard.Tests.Infrastructure.Json;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.EndUsers;

public sealed class EndUserAccountTests(AlarmServer server) : IClassFixture<AlarmServer>
{
    async Task<string> ProjectAsync() =>
        (await server.Call("CreateProject", ("ProjectName", Unique("home")))).Str("Data.ProjectId");

    static HttpClient As(HttpClient http, string token)
    {
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    [Fact]
    public async Task An_end_user_signs_up_signs_in_refreshes_resets_and_leaves()
    {
        var project = await ProjectAsync();
        var email = Unique("ann").ToLowerInvariant() + "@example.test";
        using var http = server.Http();

        var signedUp = await JsonOf(await http.PostAsJsonAsync($"/app/v1/projects/{project}/users", new { login = email.ToUpperInvariant(), password = "first-pass-1" }), HttpStatusCode.Created);
        Assert.StartsWith("eu_", signedUp.Str("userId"));
        using (var me = As(server.Http(), signedUp.Str("accessToken")))
        {
            var body = await JsonOf(await me.GetAsync("/app/v1/me"), HttpStatusCode.OK);
            Assert.Equal((email, project), (body.Str("email"), body.Str("projectId")));
        }
        Assert.Equal(HttpStatusCode.Conflict, (await http.PostAsJsonAsync($"/app/v1/projects/{project}/users", new { login = email, password = "another-pass" })).StatusCode);
        // The same login is free in another project: each project has its own pool.
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync($"/app/v1/projects/{await ProjectAsync()}/users", new { login = email, password = "other-pass-1" })).StatusCode);

        // A wrong password and an unknown login read the same.
        var wrong = await http.PostAsJsonAsync($"/app/v1/projects/{project}/sessions", new { login = email, password = "not-the-pass" });
        var unknown = await http.PostAsJsonAsync($"/app/v1/projects/{project}/sessions", new { login = "nobody@example.test", password = "not-the-pass" });
        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (wrong.StatusCode, unknown.StatusCode));
        Assert.Equal(await Detail(wrong), await Detail(unknown));

        var session = await JsonOf(await http.PostAsJsonAsync($"/app/v1/projects/{project}/sessions", new { login = email, password = "first-pass-1" }), HttpStatusCode.OK);
        var refreshed = await JsonOf(await http.PostAsJsonAsync("/app/v1/sessions/refresh", new { refreshToken = session.Str("refreshToken") }), HttpStatusCode.OK);
        using (var old = As(server.Http(), session.Str("accessToken")))
            Assert.Equal(HttpStatusCode.Unauthorized, (await old.GetAsync("/app/v1/me")).StatusCode);
        using (var fresh = As(server.Http(), refreshed.Str("accessToken")))
            Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync("/app/v1/me")).StatusCode);
        // The first refresh token again: someone else has it, so every session of the user ends.
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsJsonAsync("/app/v1/sessions/refresh", new { refreshToken = session.Str("refreshToken") })).StatusCode);
        using (var fresh = As(server.Http(), refreshed.Str("accessToken")))
            Assert.Equal(HttpStatusCode.Unauthorized, (await fresh.GetAsync("/app/v1/me")).StatusCode);

        // Forgotten password: the code by e-mail; a wrong code is refused, the right one sets the password.
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsJsonAsync($"/app/v1/projects/{project}/password-reset", new { login = email })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsJsonAsync($"/app/v1/projects/{project}/password-reset", new { login = "nobody@example.test" })).StatusCode);
        var mail = Assert.Single(server.MailTo(email));
        var code = Regex.Match(mail.MessageParts[0].BodyData, @"code is (\d{6})").Groups[1].Value;
        var badCode = code == "000000" ? "111111" : "000000";
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsJsonAsync($"/app/v1/projects/{project}/password-reset/confirm",
            new { login = email, code = badCode, newPassword = "second-pass-2" })).StatusCode);
        var signedIn = await JsonOf(await http.PostAsJsonAsync($"/app/v1/projects/{project}/sessions", new { login = email, password = "first-pass-1" }), HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NoContent, (await http.PostAsJsonAsync($"/app/v1/projects/{project}/password-reset/confirm",
            new { login = email, code, newPassword = "second-pass-2" })).StatusCode);
        using (var before = As(server.Http(), signedIn.Str("accessToken")))
            Assert.Equal(HttpStatusCode.Unauthorized, (await before.GetAsync("/app/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsJsonAsync($"/app/v1/projects/{project}/password-reset/confirm",
            new { login = email, code, newPassword = "third-pass-3" })).StatusCode);
        var last = await JsonOf(await http.PostAsJsonAsync($"/app/v1/projects/{project}/sessions", new { login = email, password = "second-pass-2" }), HttpStatusCode.OK);

        // Sign out, then delete the account: the login is gone.
        using (var user = As(server.Http(), last.Str("accessToken")))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await user.DeleteAsync("/app/v1/sessions")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await user.GetAsync("/app/v1/me")).StatusCode);
        }
        var again = await JsonOf(await http.PostAsJsonAsync($"/app/v1/projects/{project}/sessions", new { login = email, password = "second-pass-2" }), HttpStatusCode.OK);
        using (var user = As(server.Http(), again.Str("accessToken")))
            Assert.Equal(HttpStatusCode.NoContent, (await user.DeleteAsync("/app/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsJsonAsync($"/app/v1/projects/{project}/sessions", new { login = email, password = "second-pass-2" })).StatusCode);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_its_reason()
    {
        var project = await ProjectAsync();
        using var http = server.Http();
        async Task<(HttpStatusCode, string)> SignUp(string login, string password)
        {
            var r = await http.PostAsJsonAsync($"/app/v1/projects/{project}/users", new { login, password });
            return (r.StatusCode, (await JsonOf(r, r.StatusCode)).Str("title"));
        }
        Assert.Equal((HttpStatusCode.BadRequest, "iot.enduser.InvalidLogin"), await SignUp("not a login", "long-enough-1"));
        Assert.Equal((HttpStatusCode.BadRequest, "iot.enduser.InvalidLogin"), await SignUp("12345", "long-enough-1"));
        Assert.Equal((HttpStatusCode.BadRequest, "iot.enduser.InvalidPassword"), await SignUp("short@example.test", "short"));
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsJsonAsync("/app/v1/projects/prj_doesnotexist0000/users", new { login = "a@example.test", password = "long-enough-1" })).StatusCode);

        // A phone user: signs up and in; a reset is refused, there is no SMS sender (whether or not the number exists).
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync($"/app/v1/projects/{project}/users", new { login = "+86 138-0000-1234", password = "phone-pass-1" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync($"/app/v1/projects/{project}/sessions", new { login = "+8613800001234", password = "phone-pass-1" })).StatusCode);
        var reset = await http.PostAsJsonAsync($"/app/v1/projects/{project}/password-reset", new { login = "+8613800001234" });
        Assert.Equal("iot.enduser.NoCodeSender", (await JsonOf(reset, HttpStatusCode.BadRequest)).Str("title"));
        var resetUnknown = await http.PostAsJsonAsync($"/app/v1/projects/{project}/password-reset", new { login = "+8613900000000" });
        Assert.Equal(HttpStatusCode.BadRequest, resetUnknown.StatusCode);

        // Guessing: after the configured failures the login is locked for a while, the right password included.
        for (var i = 0; i < 12; i++) await http.PostAsJsonAsync($"/app/v1/projects/{project}/sessions", new { login = "+8613800001234", password = "guess-" + i });
        Assert.Equal((HttpStatusCode)429, (await http.PostAsJsonAsync($"/app/v1/projects/{project}/sessions", new { login = "+8613800001234", password = "phone-pass-1" })).StatusCode);
        // A bearer token that is not one.
        using var bogus = As(server.Http(), "not-a-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await bogus.GetAsync("/app/v1/me")).StatusCode);
    }

    static async Task<string> Detail(HttpResponseMessage r) => (await JsonOf(r, r.StatusCode)).Str("detail");
}
