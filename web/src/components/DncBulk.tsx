import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { dnc, DNC_TYPES, type BulkResult, type DncType } from '../api/dnc';

/** Bulk add from a CSV (phone[,type,reason,name,source]): bad rows listed, good rows kept. */
export function DncBulk({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File>();
  const [type, setType] = useState<DncType>('all');
  const [sent, setSent] = useState<{ loaded: number; total: number }>();
  const [result, setResult] = useState<BulkResult>();
  const [error, setError] = useState<string>();
  const start = async () => {
    if (!file) return;
    setError(undefined);
    setResult(undefined);
    try {
      setResult(await dnc.bulk(file, type, setSent));
      onDone();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <div className="card" data-testid="dnc-bulk">
      <h2>{t('dnc.bulk')}</h2>
      <p className="muted">{t('dnc.bulkHint')}</p>
      <div className="row">
        <input
          type="file"
          name="dnc-file"
          accept=".csv,text/csv"
          onChange={(e) => setFile(e.target.files?.[0])}
        />
        <label>
          {t('dnc.defaultType')}
          <select value={type} onChange={(e) => setType(e.target.value as DncType)}>
            {DNC_TYPES.map((d) => (
              <option key={d} value={d}>
                {t(`dnc.types.${d}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" disabled={!file} onClick={() => void start()}>
          {t('dnc.bulkStart')}
        </button>
      </div>
      {sent && (
        <progress data-testid="dnc-upload-progress" max={Math.max(1, sent.total)} value={sent.loaded} />
      )}
      {error && <p role="alert">{t('app.error', { message: error })}</p>}
      {result && (
        <div data-testid="dnc-bulk-result">
          <p className="ok">
            {t('dnc.bulkSummary', { read: result.read, added: result.added, rejected: result.rejected })}
          </p>
          {result.rejects.length > 0 && (
            <table data-testid="dnc-rejects">
              <thead>
                <tr>
                  <th>{t('lists.row')}</th>
                  <th>{t('lists.field')}</th>
                  <th>{t('lists.reason')}</th>
                </tr>
              </thead>
              <tbody>
                {result.rejects.map((r) => (
                  <tr key={`${r.row}-${r.field}`}>
                    <td>{r.row}</td>
                    <td>{r.field}</td>
                    <td>{r.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </div>
  );
}
