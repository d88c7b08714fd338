// The one place that says which role may do what. The RPC dispatcher asks it for every action (so the OpenAPI and the
// console, which runs the same actions in-process, refuse alike), and the console's user and key pages ask it before
// a change; hiding a button is only a courtesy on top of this.
using Thingyard.Common;

namespace Thingyard.Access;

public enum Need
{
    /// <summary>Reading anything the account has.</summary>
    Read,
    /// <summary>Changing products, devices, models, groups, tags; distribution; and everything Operate allows.</summary>
    Change,
    /// <summary>Sending commands to devices: setting properties and invoking services (GranteeActions.Operations).</summary>
    Operate,
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
        Need.Operate => role is Role.Owner or Role.Admin or Role.Developer or Role.Operator,
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

    /// <summary>What an OpenAPI action needs: reads are the Query, Get and List actions (and their Batch forms); setting
    /// properties and invoking services operate devices; every other action changes something.</summary>
    public static Need NeedOf(string action) =>
        GranteeActions.Operations.Contains(action) ? Need.Operate
        : action.StartsWith("Query", StringComparison.Ordinal) || action.StartsWith("Get", StringComparison.Ordinal)
        || action.StartsWith("List", StringComparison.Ordinal) || action.StartsWith("BatchQuery", StringComparison.Ordinal)
        || action.StartsWith("BatchGet", StringComparison.Ordinal)
            ? Need.Read : Need.Change;

    /// <summary>The lesser of two roles (the one allowed less): Owner, Admin, Developer, Operator, Viewer from most to
    /// least. Operator comes after Viewer in the enum (appended, the roles are stored by name) but allows more.</summary>
    public static Role Lesser(Role a, Role b) => Rank(a) >= Rank(b) ? a : b;

    static int Rank(Role role) => role switch
    {
        Role.Owner => 0,
        Role.Admin => 1,
        Role.Developer => 2,
        Role.Operator => 3,
        _ => 4,
    };

    static string Describe(Need need) => need switch
    {
        Need.Change => "change anything",
        Need.ManageAccess => "manage users or AccessKeys",
        Need.Operate => "send commands to devices",
        _ => "read",
    };
}
