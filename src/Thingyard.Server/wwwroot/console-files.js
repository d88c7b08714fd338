// Saves data as a file in the browser, for the console pages that hand over files they were given (a batch
// registration's credentials CSV, an ID² provisioning file): the data goes from the page to the file, never through
// another request.
function save(name, blob) {
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
}

export function downloadText(name, text, type) {
    save(name, new Blob([text], { type }));
}

export function downloadBase64(name, base64, type) {
    save(name, new Blob([Uint8Array.from(atob(base64), c => c.charCodeAt(0))], { type }));
}
