import { Content, LinkButton } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import { CapabilitiesCard } from './CapabilitiesCard';
import { OperatorHealthCard } from './OperatorHealthCard';
import { MyTenantsCard } from './MyTenantsCard';
import { TENANT_TEMPLATES, templatePath } from './templateLinks';

/** The body of the Tenants page: your teams' tenants, how to get one, what runs in them. */
export function TenantsPageContent() {
  return (
    <Content>
      <Box display="flex" flexWrap="wrap" mb={2} style={{ gap: 8 }}>
        {TENANT_TEMPLATES.map((template, index) => (
          <LinkButton
            key={template.name}
            to={templatePath(template.name)}
            color="primary"
            variant={index === 0 ? 'contained' : 'outlined'}
            title={template.description}
            data-testid={`kaas-request-${template.name}`}
          >
            {template.title}
          </LinkButton>
        ))}
      </Box>
      <Grid container spacing={3}>
        <Grid item xs={12} lg={9}>
          <MyTenantsCard />
        </Grid>
        <Grid item xs={12} lg={3}>
          <CapabilitiesCard />
          <OperatorHealthCard />
        </Grid>
      </Grid>
    </Content>
  );
}
