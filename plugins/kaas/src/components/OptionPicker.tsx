import { Progress } from '@backstage/core-components';
import FormControl from '@material-ui/core/FormControl';
import FormHelperText from '@material-ui/core/FormHelperText';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Alert from '@material-ui/lab/Alert';

/** One choice of a picker. */
export interface PickerOption {
  value: string;
  label: string;
  description?: string;
}

/**
 * The dropdown both kaas pickers render: options from the backend, with loading and
 * error states, and the field's title, description and validation errors from the form.
 */
export function OptionPicker(props: {
  id: string;
  label: string;
  description?: string;
  required: boolean;
  value?: string;
  options?: PickerOption[];
  loading: boolean;
  error?: Error;
  rawErrors?: string[];
  emptyMessage: string;
  onChange: (value: string | undefined) => void;
}) {
  const { id, label, description, required, value, options, loading, error } =
    props;
  if (loading) return <Progress />;
  if (error) {
    return (
      <Alert severity="error">
        {label}: could not load the choices ({error.message})
      </Alert>
    );
  }
  if (!options?.length) {
    return <Alert severity="warning">{props.emptyMessage}</Alert>;
  }
  const selected = options.find(o => o.value === value);
  return (
    <FormControl
      fullWidth
      margin="normal"
      required={required}
      error={!!props.rawErrors?.length && !value}
    >
      <InputLabel id={`${id}-label`}>{label}</InputLabel>
      <Select
        labelId={`${id}-label`}
        id={id}
        value={value ?? ''}
        onChange={event =>
          props.onChange((event.target.value as string) || undefined)
        }
      >
        {options.map(option => (
          <MenuItem key={option.value} value={option.value}>
            {option.label}
          </MenuItem>
        ))}
      </Select>
      <FormHelperText>{selected?.description ?? description}</FormHelperText>
    </FormControl>
  );
}
