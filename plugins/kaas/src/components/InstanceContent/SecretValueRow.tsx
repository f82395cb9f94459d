import { CopyTextButton } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import IconButton from '@material-ui/core/IconButton';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import Visibility from '@material-ui/icons/Visibility';
import VisibilityOff from '@material-ui/icons/VisibilityOff';
import { useState } from 'react';

const MASK = '••••••••';

/** One key of a Secret: the value masked until asked for, and a copy button. */
export function SecretValueRow(props: { name: string; value: string }) {
  const { name, value } = props;
  const [shown, setShown] = useState(false);
  return (
    <TableRow data-testid={`kaas-credential-${name}`}>
      <TableCell>{name}</TableCell>
      <TableCell>
        <Box display="flex" alignItems="center">
          <Box
            component="code"
            flexGrow={1}
            style={{ wordBreak: 'break-all' }}
            data-testid={`kaas-credential-value-${name}`}
          >
            {shown ? value : MASK}
          </Box>
          <Tooltip title={shown ? `Hide ${name}` : `Show ${name}`}>
            <IconButton
              size="small"
              aria-label={shown ? `Hide ${name}` : `Show ${name}`}
              onClick={() => setShown(!shown)}
            >
              {shown ? <VisibilityOff /> : <Visibility />}
            </IconButton>
          </Tooltip>
          <CopyTextButton
            text={value}
            aria-label={`Copy ${name}`}
            tooltipText={`${name} copied`}
          />
        </Box>
      </TableCell>
    </TableRow>
  );
}
