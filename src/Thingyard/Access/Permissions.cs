// The one place that says which role may do what. The RPC dispatcher asks it for every action (so the OpenAPI and the
// console, which runs the same actions in-process, refuse alike), and the console's user and key pages ask it before
// a change; hiding a button is only a courtesy on top of this.
using Thingyard.Common;

namespace Thingyard.Access;

public enum Need
{
    /// <summary>Reading anything the account has.</summary>
    Read,
    /// <summary>Changing products, devices, models, groups, tags; sending commands; distribution.</summary>
    Change,
    /// <summary>Managing the account's users and AccessKeys.</summary>
    ManageAccess,
}

public static class Permissions
{
    public const string ForbiddenCode = "Forbidden.RAM";

    public static bool Allows(this Role role, Need need) => need switch
    {
        Need.Read => true,
        Need.Change => role is Role.Owner or Role.Admin or Role.Developer,
        Need.ManageAccess => role is Role.Owner or Role.Admin,
        _ => false,
    };

    public static bool May(this Caller caller, Need need) => caller.Role.Allows(need);

    /// <summary>Throws the platform's RAM refusal when the caller's role does not allow <paramref name="need"/>.</summary>
    public static void Require(this Caller caller, Need need)
    {
        if (!caller.May(need))
            throw new IotException(ForbiddenCode, $"User not authorized to operate on the specified resource: the {caller.Role.ToString().ToLowerInvariant()} role cannot {Describe(need)}.");
    }

    /// <summary>What an OpenAPI action needs: reads are the Query, Get and List actions (and their Batch forms); every
    /// other action changes something.</summary>
    public static Need NeedOf(string action) =>
        action.StartsWith("Query", StringComparison.Ordinal) || action.StartsWith("Get", StringComparison.Ordinal)
        || action.StartsWith("List", StringComparison.Ordinal) || action.StartsWith("BatchQuery", StringComparison.Ordinal)
        || action.StartsWith("BatchGet", StringComparison.Ordinal)
            ? Need.Read : Need.Change;

    static string Describe(Need need) => need switch
    {
        Need.Change => "change anything",
        Need.ManageAccess => "manage users or AccessKeys",
        _ => "read",
    };
}
