import { Progress } from '@backstage/core-components';
import FormControl from '@material-ui/core/FormControl';
import FormHelperText from '@material-ui/core/FormHelperText';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Alert from '@material-ui/lab/Alert';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';

/** One choice of a picker. */
export interface PickerOption {
  value: string;
  label: string;
  description?: string;
}

/**
 * The dropdown every kaas picker renders: options from the backend, with loading and
 * error states; title, description, value and validation errors come from the form field.
 */
export function OptionPicker(props: {
  field: FieldExtensionComponentProps<string, any>;
  /** Label when the template gives the field no title. */
  defaultLabel: string;
  options?: PickerOption[];
  loading: boolean;
  error?: Error;
  emptyMessage: string;
}) {
  const { field, options, loading, error } = props;
  const id = field.idSchema?.$id ?? props.defaultLabel.toLowerCase();
  const label = field.schema.title ?? props.defaultLabel;
  const description = field.schema.description;
  const required = !!field.required;
  const value = field.formData;
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
      error={!!field.rawErrors?.length && !value}
    >
      <InputLabel id={`${id}-label`}>{label}</InputLabel>
      <Select
        labelId={`${id}-label`}
        id={id}
        value={value ?? ''}
        onChange={event =>
          field.onChange((event.target.value as string) || undefined)
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
