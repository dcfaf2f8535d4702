/** Saves text or bytes made in the page as a file (a CSV export, a JSON summary, a script). */
export function download(name: string, content: string | Uint8Array, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([content as BlobPart], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
