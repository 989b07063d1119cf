import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { imports, type ImportStatus } from '../api/imports';
import { useEventStream } from '../live/useEventStream';

/**
 * A lead list upload: the file's bytes go up with an upload progress bar, then the server's
 * import progress arrives over the event stream (with a snapshot on connect), then the summary
 * and the rejected rows with line, column and reason.
 */
export function ListUpload({ campaignId, onDone }: { campaignId: number; onDone: () => void }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File>();
  const [sent, setSent] = useState<{ loaded: number; total: number }>();
  const [importId, setImportId] = useState<string>();
  const [status, setStatus] = useState<ImportStatus>();
  const [error, setError] = useState<string>();

  const apply = useCallback(
    (s: ImportStatus) => {
      setStatus(s);
      if (s.phase !== 'importing') onDone();
    },
    [onDone],
  );
  const stream = useEventStream(
    importId ? [`import:${importId}`] : [],
    (type, data) => type === 'import' && apply(data as ImportStatus),
    !!importId && status?.phase !== 'done' && status?.phase !== 'failed',
  );

  const start = async () => {
    if (!file) return;
    setError(undefined);
    setStatus(undefined);
    try {
      const { importId: id } = await imports.start(campaignId, file, setSent);
      setImportId(id);
      apply(await imports.get(id)); // the snapshot: events before the stream opened are not lost
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  const importing = status?.phase === 'importing';
  return (
    <div className="card" data-testid="list-upload">
      <h2>{t('lists.upload')}</h2>
      <p className="muted">{t('lists.hint')}</p>
      <div className="row">
        <input
          type="file"
          name="list"
          accept=".csv,.xlsx,text/csv"
          onChange={(e) => setFile(e.target.files?.[0])}
        />
        <button type="button" disabled={!file || importing} onClick={() => void start()}>
          {t('lists.start')}
        </button>
      </div>
      {sent && (
        <label>
          {t('lists.uploaded', { percent: Math.round((100 * sent.loaded) / Math.max(1, sent.total)) })}
          <progress data-testid="upload-progress" max={Math.max(1, sent.total)} value={sent.loaded} />
        </label>
      )}
      {status && (
        <label>
          {t('lists.imported', {
            percent: Math.round((100 * status.bytesRead) / Math.max(1, status.totalBytes)),
            rows: status.rowsRead,
          })}
          <progress
            data-testid="import-progress"
            max={Math.max(1, status.totalBytes)}
            value={status.bytesRead}
          />
          {importing && <span className="muted">{t('app.live', { state: t(`live.${stream}`) })}</span>}
        </label>
      )}
      {error && <p role="alert">{t('lists.failed', { message: error })}</p>}
      {status?.phase === 'failed' && <p role="alert">{t('lists.failed', { message: status.error ?? '' })}</p>}
      {status?.summary && <ImportResult status={status} />}
    </div>
  );
}

function ImportResult({ status }: { status: ImportStatus }) {
  const { t } = useTranslation();
  const s = status.summary;
  if (!s) return null;
  return (
    <div data-testid="import-result">
      <p className="ok">
        {t('lists.summary', {
          read: status.rowsRead,
          imported: s.imported,
          merged: s.mergedInFile + s.mergedExisting,
          rejected: s.rejected,
        })}
      </p>
      {status.rejects.length > 0 && (
        <>
          <h3>{t('lists.rejects')}</h3>
          <table data-testid="rejects">
            <thead>
              <tr>
                <th>{t('lists.row')}</th>
                <th>{t('lists.field')}</th>
                <th>{t('lists.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {status.rejects.map((r) => (
                <tr key={`${r.row}-${r.field}`}>
                  <td>{r.row}</td>
                  <td>{r.field}</td>
                  <td>{r.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <a href={imports.rejectsUrl(status.id)} download>
            {t('lists.downloadRejects')}
          </a>
        </>
      )}
    </div>
  );
}
