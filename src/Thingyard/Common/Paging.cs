// Page arithmetic shared by every paged list: 1-based pages, bounded page size.
namespace Thingyard.Common;

public readonly record struct Paging(int Page, int PageSize)
{
    public int Skip => (Page - 1) * PageSize;

    public static Paging Of(int? page, int? pageSize, int defaultSize = 10, int maxSize = 200)
    {
        var p = page ?? 1;
        var s = pageSize ?? defaultSize;
        if (p < 1 || s < 1 || s > maxSize)
            throw new IotException(IotErrors.InvalidPageParams, $"CurrentPage must be at least 1 and PageSize between 1 and {maxSize}.");
        return new Paging(p, s);
    }

    public int PageCount(int total) => (total + PageSize - 1) / PageSize;
}

public sealed record Page<T>(IReadOnlyList<T> Items, int Total, Paging Paging)
{
    public int PageCount => Paging.PageCount(Total);
}
