import { z } from 'zod';

/**
 * A caller-ID name as it is stored and shown (SIP `From` display name, at most 15 characters
 * as most networks pass on). It travels inside PBX commands and SIP headers, so control
 * characters (a newline would start a second ESL/AMI command) and the delimiters `"`, `<`, `>`
 * and `\` are refused here, at the edge; the PBX drivers check again (src/pbx/protocol-values.ts).
 */
export const callerIdNameSchema = z
  .string()
  .max(15)
  .regex(
    // eslint-disable-next-line no-control-regex
    /^[^\u0000-\u001f\u007f\u0085\u2028\u2029"<>\\]*$/,
    'may not hold control characters (such as a newline) or ", <, >, \\',
  );
